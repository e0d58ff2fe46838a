"""The reference design's fitness server, for `pnpm bench cli`: a Flask app whose
`GET /one_max_fitness/<bits>` answers the number of ones, run under gunicorn with sync workers
(`python3 -m gunicorn -w 20 reference_server:app`). No simulated cost: the overhead run."""
from flask import Flask

app = Flask(__name__)


@app.route("/one_max_fitness/<bits>")
def one_max_fitness(bits):
    return str(bits.count("1"))

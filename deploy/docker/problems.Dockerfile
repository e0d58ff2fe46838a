# The server image with your problem modules baked in, for hosts where mounting a folder is
# awkward. Build context: your project folder (the one holding fitness.ts).
#   docker build -f <galapagos>/deploy/docker/problems.Dockerfile -t my-fitness-server .
#   docker run --rm -p 8080:8080 my-fitness-server
# Build arguments:
#   PROBLEMS      the modules, comma-separated, as paths inside the image (default
#                 /problems/fitness.ts: the context is copied to /problems)
#   APT_PACKAGES  Debian packages an external-program fitness needs, e.g. "python3"
#   BASE          the server image to start from (default galapagos-server)
# The modules are bundled when the server starts (into /tmp; with --read-only, add
# --tmpfs /tmp), exactly as with a mounted folder, so the fingerprint is the same.
ARG BASE=galapagos-server
FROM ${BASE}
ARG PROBLEMS=/problems/fitness.ts
ARG APT_PACKAGES=""
USER root
RUN if [ -n "$APT_PACKAGES" ]; then \
      apt-get update && apt-get install -y --no-install-recommends $APT_PACKAGES \
      && rm -rf /var/lib/apt/lists/*; \
    fi
COPY . /problems
USER node
ENV GALAPAGOS_PROBLEMS=${PROBLEMS}

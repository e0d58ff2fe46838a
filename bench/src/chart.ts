/** Bar charts as SVG, rendered headlessly by Vega-Lite. */
import * as vega from 'vega';
import * as vl from 'vega-lite';

export interface Bar {
  readonly group: string;
  readonly label: string;
  readonly value: number;
}

/** One horizontal bar per label, one panel row per group, with a reference rule at `rule`. */
export async function chart(
  bars: readonly Bar[],
  options: { title: string; axis: string; rule: number },
): Promise<string> {
  const spec = vl.compile({
    title: options.title,
    data: { values: bars.map((b) => ({ ...b })) },
    facet: { row: { field: 'group', type: 'nominal', title: null } },
    spec: {
      width: 420,
      layer: [
        {
          mark: 'bar',
          encoding: {
            y: { field: 'label', type: 'nominal', title: null, sort: null },
            x: { field: 'value', type: 'quantitative', title: options.axis },
          },
        },
        {
          mark: { type: 'rule', color: 'firebrick', strokeDash: [4, 3] },
          encoding: { x: { datum: options.rule } },
        },
      ],
    },
  } as vl.TopLevelSpec).spec;
  return new vega.View(vega.parse(spec), { renderer: 'none' }).toSVG();
}

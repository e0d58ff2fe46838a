// What can be checked here without Azure: the ARM templates' structure and their references.
import { readFileSync } from 'node:fs';
import Type from 'typebox';
import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';

const Expression = /^\[.*\]$/s;
const TemplateSchema = Type.Object(
  {
    $schema: Type.Literal(
      'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    ),
    contentVersion: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+\\.\\d+$' }),
    metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    parameters: Type.Record(
      Type.String(),
      Type.Object(
        {
          type: Type.Union(
            ['string', 'securestring', 'int', 'bool', 'object', 'secureObject', 'array'].map((t) =>
              Type.Literal(t),
            ),
          ),
          defaultValue: Type.Optional(Type.Unknown()),
          allowedValues: Type.Optional(Type.Array(Type.Unknown())),
          minValue: Type.Optional(Type.Integer()),
          maxValue: Type.Optional(Type.Integer()),
          minLength: Type.Optional(Type.Integer()),
          maxLength: Type.Optional(Type.Integer()),
          metadata: Type.Optional(Type.Object({ description: Type.String() })),
        },
        { additionalProperties: false },
      ),
    ),
    variables: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    resources: Type.Array(
      Type.Object({
        type: Type.String({ pattern: '^[A-Za-z]+\\.[A-Za-z]+/[A-Za-z/]+$' }),
        apiVersion: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}(-preview)?$' }),
        name: Type.String(),
        location: Type.Optional(Type.String()),
        dependsOn: Type.Optional(Type.Array(Type.String({ pattern: Expression.source }))),
      }),
      { minItems: 1 },
    ),
    outputs: Type.Record(
      Type.String(),
      Type.Object({ type: Type.String(), value: Type.Unknown() }),
    ),
  },
  { additionalProperties: false },
);

/** Every string in a JSON value. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object')
    for (const v of Object.values(value)) strings(v, out);
  return out;
}

describe.each(['main.json', 'container-apps.json'])('infra/%s', (file) => {
  const template = JSON.parse(readFileSync(new URL(`../infra/${file}`, import.meta.url), 'utf8'));

  it('matches the ARM deployment template structure', () => {
    const errors = Value.Errors(TemplateSchema, template).map(
      (e) => `${e.instancePath} ${e.message}`,
    );
    expect(errors).toEqual([]);
  });

  it('references only declared parameters and variables, with balanced expressions', () => {
    const all = strings(template);
    for (const s of all.filter((x) => x.startsWith('['))) {
      expect(s.endsWith(']'), s).toBe(true);
      let depth = 0;
      for (const c of s) {
        depth += c === '(' ? 1 : c === ')' ? -1 : 0;
        expect(depth, s).toBeGreaterThanOrEqual(0);
      }
      expect(depth, s).toBe(0);
    }
    const refs = (fn: string) =>
      all.flatMap((s) =>
        [...s.matchAll(new RegExp(`${fn}\\('([^']+)'\\)`, 'g'))].map((m) => m[1]!),
      );
    for (const p of refs('parameters')) expect(Object.keys(template.parameters), p).toContain(p);
    for (const v of refs('variables'))
      expect(Object.keys(template.variables ?? {}), v).toContain(v);
  });

  it('depends only on resources it declares, and outputs the URL', () => {
    const declared = new Set(template.resources.map((r: { type: string }) => r.type));
    for (const r of template.resources)
      for (const d of r.dependsOn ?? [])
        expect(declared, d).toContain(/resourceId\('([^']+)'/.exec(d)?.[1]);
    expect(template.outputs.url.value).toMatch(/^\[format\('https:\/\/\{0\}'/);
  });
});

describe('infra/main.json', () => {
  it('declares a Flex Consumption function app with its storage and Application Insights', () => {
    const template = JSON.parse(
      readFileSync(new URL('../infra/main.json', import.meta.url), 'utf8'),
    );
    const types = template.resources.map((r: { type: string }) => r.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'Microsoft.Web/sites',
        'Microsoft.Web/serverfarms',
        'Microsoft.Storage/storageAccounts',
        'Microsoft.Insights/components',
      ]),
    );
    const plan = template.resources.find(
      (r: { type: string }) => r.type === 'Microsoft.Web/serverfarms',
    );
    expect(plan.sku).toEqual({ tier: 'FlexConsumption', name: 'FC1' });
    expect(Object.keys(template.parameters)).toEqual(
      expect.arrayContaining(['name', 'location', 'maxCostMs']),
    );
  });
});

/** The `targets` entries for a deployed stage: direct invokes and the HTTP API. */
export function targetEntries({ endpoint, functionName, region }) {
  return {
    lambda: { type: 'lambda', function: functionName, ...(region ? { region } : {}) },
    ...(endpoint
      ? {
          'lambda-http': {
            type: 'http',
            url: endpoint,
            maxBatchBytes: 5 * 1024 * 1024,
            headers: { authorization: { env: 'GALAPAGOS_API_KEY', prefix: 'Bearer ' } },
          },
        }
      : {}),
  };
}

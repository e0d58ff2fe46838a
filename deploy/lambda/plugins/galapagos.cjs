'use strict';
// A local Serverless Framework plugin: before the Framework packages the function (`serverless
// package`, `serverless deploy`, `serverless deploy function`) or starts it offline, it puts the
// worker files and the problem modules named by GALAPAGOS_PROBLEMS beside the handler
// (prepare.mjs), so the Framework's own commands ship the user's code. Listed before
// serverless-esbuild, whose hooks on the same events bundle and pack.
const { pathToFileURL } = require('node:url');
const { join } = require('node:path');

class GalapagosPrepare {
  constructor(_serverless, _options, { log } = {}) {
    let prepared;
    const prepare = () => {
      prepared ??= import(pathToFileURL(join(__dirname, '..', 'prepare.mjs')).href).then(
        ({ prepare: run }) =>
          run(undefined, (line) => (log ? log.notice(line) : console.log(line))),
      );
      return prepared;
    };
    this.hooks = {
      'before:package:createDeploymentArtifacts': prepare,
      'before:deploy:function:packageFunction': prepare,
      'before:offline:start': prepare,
      'before:offline:start:init': prepare,
      'before:invoke:local:invoke': prepare,
    };
  }
}

module.exports = GalapagosPrepare;

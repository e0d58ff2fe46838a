/** Checkpoints: the file and its digest, the background writer, where they live by default. */
export {
  type Checkpoint,
  type CheckpointRecord,
  checkpointText,
  readCheckpoint,
  readCheckpointFile,
  writeCheckpoint,
} from './file.js';
export {
  CHECKPOINT_FOLDER,
  checkpointFolder,
  latestUnfinished,
  newCheckpointFile,
} from './locate.js';
export { CheckpointWriter } from './writer.js';

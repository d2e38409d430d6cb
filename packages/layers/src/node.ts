// Node-only entry point ('@nn/layers/node'): checkpoint files on disk.
export * from './checkpoint_node.js';
export * from './checkpoint_callback.js'; // ModelCheckpoint, fit's best-model callback

// Node-only entry point ('@nn/layers/node'): checkpoint files on disk.
export * from './checkpoint_node.js';

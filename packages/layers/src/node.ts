// Node-only entry point ('@nn/layers/node'): checkpoint files on disk, and checks on the paths a command line writes.
export * from './checkpoint_node.js';
export * from './checkpoint_callback.js';
export { saveOnnx } from './onnx/save_node.js'; // exportOnnx to a file, written atomically // ModelCheckpoint, fit's best-model callback
export * from './paths_node.js'; // checkOutputDir, makeOutputDir, checkOutputFile, checkInputFile, displayPath
export * from './pytorch_node.js'; // loadPytorchFile: .pt/.pth files written by torch.save

/**
 * @nn/models-zoo: the architectures of the lecture's history of CNNs, built from @nn/layers
 * with torchvision's construction rules and state-dict names, so PyTorch weights load.
 */
export * from './common.js';
export * from './mlp.js';
export * from './lenet.js';
export * from './alexnet.js';
export * from './vgg.js';
export * from './googlenet.js';
export * from './resnet.js';
export * from './residual_attention.js';
export * from './unet.js';
export * from './heads.js';
export * from './yolo.js';
export * from './nms.js';
export * from './autoencoder.js';
export * from './dcgan.js';

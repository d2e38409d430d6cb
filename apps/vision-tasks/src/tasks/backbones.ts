/**
 * The zoo classifiers that localize and detect can stand on (`--backbone`): any of them gives
 * its features through `forwardFeatures` when built with numClasses 0.
 */
import { resnet18, resnet34, resnet50, vgg11_bn, vgg16_bn, type BackboneModule } from '@nn/models-zoo';

type Factory = (options: { numClasses: number; inChannels: number; width: number }) => BackboneModule;

export const BACKBONES: Record<string, Factory> = { resnet18, resnet34, resnet50, vgg11_bn, vgg16_bn };
export const BACKBONE_NAMES = Object.keys(BACKBONES);

/** A backbone of scenes' 3 channels, without a classifier of its own. */
export function backbone(name: string, width: number): BackboneModule {
  const factory = BACKBONES[name] as Factory | undefined;
  if (factory === undefined) throw new Error(`--backbone must be one of ${BACKBONE_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
  return factory({ numClasses: 0, inChannels: 3, width });
}

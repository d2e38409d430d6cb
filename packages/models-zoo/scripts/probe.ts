import '@nn/backend-cpu';
import '../src/test-utils/meta_backend.js';
import { summary, type AnyModule } from "@nn/layers";
import { onMeta } from '../src/test-utils/meta_backend.js';
import * as zoo from '../src/index.js';
const models: [string, () => AnyModule, number[]][] = [
  ['lenet5', () => zoo.lenet5({ init: false }), [1, 1, 32, 32]],
  ['alexnet', () => zoo.alexnet({ init: false }), [1, 3, 224, 224]],
  ['vgg11', () => zoo.vgg11({ init: false }), [1, 3, 224, 224]],
  ['vgg11_bn', () => zoo.vgg11_bn({ init: false }), [1, 3, 224, 224]],
  ['vgg13', () => zoo.vgg13({ init: false }), [1, 3, 224, 224]],
  ['vgg16_c', () => zoo.vgg16_c({ init: false }), [1, 3, 224, 224]],
  ['vgg16', () => zoo.vgg16({ init: false }), [1, 3, 224, 224]],
  ['vgg16_bn', () => zoo.vgg16_bn({ init: false }), [1, 3, 224, 224]],
  ['vgg19', () => zoo.vgg19({ init: false }), [1, 3, 224, 224]],
  ['googlenet', () => zoo.googlenet({ init: false }), [1, 3, 224, 224]],
  ['googlenet aux', () => zoo.googlenet({ init: false, auxLogits: true }), [1, 3, 224, 224]],
  ['resnet18', () => zoo.resnet18({ init: false }), [1, 3, 224, 224]],
  ['resnet34', () => zoo.resnet34({ init: false }), [1, 3, 224, 224]],
  ['resnet50', () => zoo.resnet50({ init: false }), [1, 3, 224, 224]],
  ['resnet101', () => zoo.resnet101({ init: false }), [1, 3, 224, 224]],
  ['resnet152', () => zoo.resnet152({ init: false }), [1, 3, 224, 224]],
  ['ra56', () => zoo.residualAttention56({ init: false }), [1, 3, 224, 224]],
  ['ra92', () => zoo.residualAttention92({ init: false }), [1, 3, 224, 224]],
  ['unet', () => zoo.unet({ init: false }), [1, 1, 256, 256]],
];
for (const [name, make, shape] of models) {
  onMeta(() => {
    const t0 = performance.now();
    const m = make();
    const t1 = performance.now();
    const s = summary(m as never, shape, { print: false });
    console.log(name.padEnd(14), String(s.totalParams).padStart(12), String(s.totalMacs).padStart(14), `build ${(t1 - t0).toFixed(0)}ms summary ${(performance.now() - t1).toFixed(0)}ms`);
  });
}

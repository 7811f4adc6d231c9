export interface ClassFigures {
  precision: number;
  recall: number;
  f1: number;
  /** Examples whose true label is the class. */
  support: number;
}

export interface ClassificationFigures {
  perClass: Record<string, ClassFigures>;
  accuracy: number;
  macroF1: number;
}

/**
 * Per-class precision, recall and F1, accuracy and macro F1 of predictions
 * against truth. A class never predicted has precision 0 (not NaN), so a
 * baseline that cannot say "unrelated" scores 0 there.
 */
export function classificationFigures(
  truth: readonly string[],
  predicted: readonly string[],
  classes: readonly string[],
): ClassificationFigures {
  if (truth.length !== predicted.length) {
    throw new RangeError(`${truth.length} true labels but ${predicted.length} predictions`);
  }
  const perClass: Record<string, ClassFigures> = {};
  let correct = 0;
  for (let k = 0; k < truth.length; k++) if (truth[k] === predicted[k]) correct++;
  let f1Sum = 0;
  for (const name of classes) {
    let truePositive = 0;
    let predictedCount = 0;
    let support = 0;
    for (let k = 0; k < truth.length; k++) {
      if (predicted[k] === name) predictedCount++;
      if (truth[k] === name) support++;
      if (predicted[k] === name && truth[k] === name) truePositive++;
    }
    const precision = predictedCount === 0 ? 0 : truePositive / predictedCount;
    const recall = support === 0 ? 0 : truePositive / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass[name] = { precision, recall, f1, support };
    f1Sum += f1;
  }
  return {
    perClass,
    accuracy: truth.length === 0 ? 0 : correct / truth.length,
    macroF1: f1Sum / classes.length,
  };
}

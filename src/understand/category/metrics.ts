/** Accuracy and macro-averaged precision, recall and F1 of one labelling. */
export interface ClassificationMetrics {
  accuracy: number;
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
  /** Examples scored. */
  count: number;
  /** Classes averaged over: those in the truth or the predictions. */
  classes: number;
}

/**
 * Per-class precision tp / (tp + fp), recall tp / (tp + fn) and F1 = 2PR / (P + R),
 * each 0 when its denominator is 0, averaged with equal weight over every class
 * that occurs in the truth or the predictions (scikit-learn's `average='macro'`
 * with `zero_division=0`). A class that is predicted but never true thus counts
 * with precision 0 and pulls the averages down, as it should.
 */
export function classificationMetrics(
  truth: readonly string[],
  predicted: readonly string[],
): ClassificationMetrics {
  if (truth.length !== predicted.length) {
    throw new RangeError(
      `classificationMetrics: ${truth.length} true labels but ${predicted.length} predictions`,
    );
  }
  const truePositive = new Map<string, number>();
  const trueCount = new Map<string, number>();
  const predictedCount = new Map<string, number>();
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    const actual = truth[i]!;
    const guess = predicted[i]!;
    trueCount.set(actual, (trueCount.get(actual) ?? 0) + 1);
    predictedCount.set(guess, (predictedCount.get(guess) ?? 0) + 1);
    if (actual === guess) {
      correct++;
      truePositive.set(actual, (truePositive.get(actual) ?? 0) + 1);
    }
  }
  const classes = new Set([...trueCount.keys(), ...predictedCount.keys()]);
  let precisionSum = 0;
  let recallSum = 0;
  let f1Sum = 0;
  for (const label of classes) {
    const tp = truePositive.get(label) ?? 0;
    const precision = ratio(tp, predictedCount.get(label) ?? 0);
    const recall = ratio(tp, trueCount.get(label) ?? 0);
    precisionSum += precision;
    recallSum += recall;
    f1Sum += ratio(2 * precision * recall, precision + recall);
  }
  const n = Math.max(classes.size, 1);
  return {
    accuracy: ratio(correct, truth.length),
    macroPrecision: precisionSum / n,
    macroRecall: recallSum / n,
    macroF1: f1Sum / n,
    count: truth.length,
    classes: classes.size,
  };
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

import {
  type CalibratedSignal,
  calibratedSignals,
  checkedPairs,
  conditionalRate,
  type SignalStats,
  signalRate,
} from './signals.js';

export interface CalibrationRow {
  signal: CalibratedSignal;
  simulated: number;
  target: number;
  /** (simulated - target) / target. */
  relativeError: number;
  ok: boolean;
}

export interface CooccurrenceRow {
  /** P(signal | given). */
  signal: CalibratedSignal;
  given: CalibratedSignal;
  simulated: number;
  target: number;
  relativeError: number;
  ok: boolean;
}

export interface CalibrationReport {
  impressions: number;
  rates: CalibrationRow[];
  cooccurrence: CooccurrenceRow[];
  /** Every rate within `rateTolerance` and every checked pair within `pairTolerance`. */
  ok: boolean;
}

/** The issue's bounds: each rate within +-10% relative, each conditional rate within +-25%. */
export const rateTolerance = 0.1;
export const pairTolerance = 0.25;

export function calibrationReport(simulated: SignalStats, target: SignalStats): CalibrationReport {
  const row = (simulatedValue: number, targetValue: number, tolerance: number) => {
    const relativeError = (simulatedValue - targetValue) / targetValue;
    return {
      simulated: simulatedValue,
      target: targetValue,
      relativeError,
      ok: Math.abs(relativeError) <= tolerance,
    };
  };
  const rates = [...calibratedSignals].reverse().map((signal) => ({
    signal,
    ...row(signalRate(simulated, signal), signalRate(target, signal), rateTolerance),
  }));
  const cooccurrence = checkedPairs(target).map(({ signal, given }) => ({
    signal,
    given,
    ...row(conditionalRate(simulated, signal, given), conditionalRate(target, signal, given), pairTolerance),
  }));
  return {
    impressions: simulated.interactions,
    rates,
    cooccurrence,
    ok: rates.every((entry) => entry.ok) && cooccurrence.every((entry) => entry.ok),
  };
}

/** The JSON report's `calibration` object: signal -> { simulated, target }, plus the pair check. */
export function calibrationJson(report: CalibrationReport): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const entry of report.rates) {
    json[entry.signal] = {
      simulated: entry.simulated,
      target: entry.target,
      relativeError: entry.relativeError,
      ok: entry.ok,
    };
  }
  json.cooccurrence = report.cooccurrence.map((entry) => ({
    conditional: `P(${entry.signal} | ${entry.given})`,
    simulated: entry.simulated,
    target: entry.target,
    relativeError: entry.relativeError,
    ok: entry.ok,
  }));
  json.impressions = report.impressions;
  json.ok = report.ok;
  return json;
}

export function formatCalibration(report: CalibrationReport): string {
  const percent = (value: number) => `${value >= 0 ? '+' : ''}${(100 * value).toFixed(1)}%`;
  const lines = [
    `calibration over ${report.impressions} simulated impressions (targets: SIGNAL_STATS.md)`,
    '',
    '| signal     | simulated |    target | rel. error | ok  |',
    '| ---------- | --------: | --------: | ---------: | --- |',
    ...report.rates.map(
      (entry) =>
        `| ${entry.signal.padEnd(10)} | ${entry.simulated.toPrecision(4).padStart(9)} | ${entry.target.toPrecision(4).padStart(9)} | ${percent(entry.relativeError).padStart(10)} | ${entry.ok ? 'yes' : 'NO '} |`,
    ),
    '',
    '| co-occurrence               | simulated |    target | rel. error | ok  |',
    '| --------------------------- | --------: | --------: | ---------: | --- |',
    ...report.cooccurrence.map(
      (entry) =>
        `| ${`P(${entry.signal} | ${entry.given})`.padEnd(27)} | ${entry.simulated.toPrecision(4).padStart(9)} | ${entry.target.toPrecision(4).padStart(9)} | ${percent(entry.relativeError).padStart(10)} | ${entry.ok ? 'yes' : 'NO '} |`,
    ),
    '',
    `rates within +-${100 * rateTolerance}% and co-occurrences within +-${100 * pairTolerance}%: ${report.ok ? 'yes' : 'NO'}`,
  ];
  return lines.join('\n');
}

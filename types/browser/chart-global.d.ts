/**
 * The little of Chart.js the admin page uses. It is loaded as a global from /vendor/chart.umd.min.js
 * (served from node_modules, no CDN: installs may run offline), so there is no module to import
 * types from; `window.Chart` is missing when the script failed to load, and the charts are skipped.
 */
interface ChartDataset {
  /** A dataset's own type, in a chart of another (a line over bars). */
  type?: 'line' | 'bar';
  label: string;
  data: number[];
  borderColor?: string;
  backgroundColor?: string;
  borderDash?: number[];
  fill?: boolean;
  tension?: number;
  yAxisID?: string;
  /** Bars with the same stack are drawn on top of each other. */
  stack?: string;
}

interface ChartData {
  labels: string[];
  datasets: ChartDataset[];
}

interface ChartConfiguration {
  type: 'line' | 'bar';
  data: ChartData;
  options?: Record<string, unknown>;
}

interface ChartInstance {
  data: ChartData;
  update(): void;
}

interface Window {
  Chart?: new (canvas: HTMLCanvasElement, config: ChartConfiguration) => ChartInstance;
}

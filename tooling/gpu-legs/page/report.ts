/** What the page leaves in window.__nnResults. */
export interface LegReport {
  /** The mode asked for, and the one the backend runs in. */
  mode: string;
  ran: string;
  cases: number;
  failures: { name: string; torch: string; problems: string[] }[];
  seconds: number;
  /** Set when the page could not run at all. */
  error?: string;
}

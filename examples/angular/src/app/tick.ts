/** One tick of the stream (`event: tick`, id `n`), as the server sends it and the app shows it. */
export interface Tick {
  n: number;
  time: string;
  price: number;
}

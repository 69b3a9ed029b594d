/** Approximate location of AWS regions (latitude, longitude), for latency routing. */
const LOCATIONS: Readonly<Record<string, readonly [number, number]>> = {
  'us-east-1': [38.9, -77.4],
  'us-east-2': [40.0, -83.0],
  'us-west-1': [37.4, -121.9],
  'us-west-2': [45.8, -119.7],
  'ca-central-1': [45.5, -73.6],
  'sa-east-1': [-23.5, -46.6],
  'ca-west-1': [51.0, -114.1],
  'mx-central-1': [20.6, -100.4],
  'eu-west-1': [53.3, -6.3],
  'eu-west-2': [51.5, -0.1],
  'eu-west-3': [48.9, 2.4],
  'eu-central-1': [50.1, 8.7],
  'eu-central-2': [47.4, 8.5],
  'eu-south-1': [45.5, 9.2],
  'eu-south-2': [41.6, -0.9],
  'eu-north-1': [59.3, 18.1],
  'il-central-1': [32.1, 34.8],
  'me-south-1': [26.1, 50.6],
  'me-central-1': [25.2, 55.3],
  'af-south-1': [-33.9, 18.4],
  'ap-northeast-1': [35.7, 139.7],
  'ap-northeast-2': [37.6, 127.0],
  'ap-northeast-3': [34.7, 135.5],
  'ap-east-1': [22.3, 114.2],
  'ap-southeast-1': [1.3, 103.8],
  'ap-southeast-2': [-33.9, 151.2],
  'ap-southeast-3': [-6.2, 106.8],
  'ap-southeast-4': [-37.8, 145.0],
  'ap-southeast-5': [3.1, 101.7],
  'ap-south-1': [19.1, 72.9],
  'ap-south-2': [17.4, 78.5],
};

/** Every region the latency model places; a topology naming another is refused. */
export const KNOWN_REGIONS: readonly string[] = Object.keys(LOCATIONS);

/** True when the latency model knows where `region` is. */
export function isKnownRegion(region: string): boolean {
  return Object.hasOwn(LOCATIONS, region);
}

const EARTH_RADIUS_KM = 6371;
// Light in fibre covers about 100 km per millisecond of round trip, plus routing detours.
const KM_PER_RTT_MS = 70;

/**
 * A stand-in for the latency measurements Route 53 keeps between resolvers and regions: the
 * round trip a great-circle path would take. Unknown regions are far from everything, so a
 * known region always wins over them.
 *
 * @returns milliseconds (0 for the same region).
 */
export function regionLatencyMs(from: string, to: string): number {
  if (from === to) return 0;
  const a = LOCATIONS[from];
  const b = LOCATIONS[to];
  if (a === undefined || b === undefined) return 10_000;
  const rad = (deg: number): number => (deg * Math.PI) / 180;
  const dLat = rad(b[0] - a[0]);
  const dLon = rad(b[1] - a[1]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[0])) * Math.cos(rad(b[0])) * Math.sin(dLon / 2) ** 2;
  const km = 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(h));
  return Math.round(km / KM_PER_RTT_MS) + 1;
}

/** A fault's name: the one the drill gives, else `<injector>-<position>` (`lambda-500-2`). */
export function faultName(fault: { readonly injector: string; readonly name?: string | undefined }, index: number): string {
  return fault.name ?? `${fault.injector}-${index + 1}`;
}

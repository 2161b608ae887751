/**
 * The small city with hostile text in every free-text field a view writes somewhere: markup for
 * the pages, Terraform interpolations, Prometheus templates and spreadsheet formulas. Each passes
 * the schema (names are free text), so every view must make it harmless where it writes it.
 */
import { type RawCity, smallCity } from './city.ts';

export const HOSTILE = {
  /** Markup that runs script if a page writes it raw. */
  cityNameEn: '<img src=x onerror="window.pwned=1">',
  cityName: '</title><script>window.pwned=2</script>',
  districtName: '</script><script>window.pwned=3</script><!--',
  agencyName: `"'><svg onload="window.pwned=4">`,
  /** What Terraform would evaluate: read a file of the machine that plans, and a template directive. */
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform's syntax, on purpose
  tenantName: 'Tenant ${file("/etc/hostname")} %{ if true }yes%{ endif } $${kept}',
  /** What Prometheus would expand in an annotation; a trailing brace too. */
  poolName: 'Web {{ printf "%s" "expanded" }} {{ .Value }}',
  otherPoolName: 'Warehouse A {',
  /** Spreadsheet formulas as ward names. */
  wardNames: ['=HYPERLINK("http://evil.example","open")', '+1+1', '-2+3', '@SUM(1+1)'],
} as const;

export function hostileCity(): RawCity {
  const city = smallCity();
  city.city.name = HOSTILE.cityName;
  city.city.nameEn = HOSTILE.cityNameEn;
  city.network.districts[0].name = HOSTILE.districtName;
  city.agencies[0].name = HOSTILE.agencyName;
  city.tenants[0].name = HOSTILE.tenantName;
  city.pools[0].name = HOSTILE.poolName;
  city.pools[1].name = HOSTILE.otherPoolName;
  const wards = city.network.districts.flatMap((d: { wards: { name: string }[] }) => d.wards);
  HOSTILE.wardNames.forEach((name, i) => {
    wards[i].name = name;
  });
  return city;
}

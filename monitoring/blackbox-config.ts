/** blackbox.yml: the probe modules the scrape jobs name. IPv4 only, with no fallback: the points are IPv4. */
export function blackboxConfig(): object {
  const ip4 = { preferred_ip_protocol: 'ip4', ip_protocol_fallback: false };
  return {
    modules: {
      icmp_ipv4: { prober: 'icmp', timeout: '5s', icmp: ip4 },
      tcp_connect_ipv4: { prober: 'tcp', timeout: '5s', tcp: ip4 },
    },
  };
}

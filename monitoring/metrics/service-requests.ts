/**
 * Requests to the online public services, by service, agency, tier and outcome
 * (`success` or `error`): the service-level indicator of the SLOs.
 */
export const SERVICE_REQUESTS = 'citycloud_service_requests_total';

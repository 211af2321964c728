#pragma once
// What verifying the payloads costs per message, measured on the run's own size mix, so the
// report can say how much of a round trip it is.
#include "run/results/run_types.hpp"

namespace ipcb {

// Fills r.verify_client_ns (outside each sample: check a response, the sampled full check, stamp
// the next request) and r.verify_server_ns (inside the round trip: check a request's stamps,
// restamp it as the response). Needs r.clock_cost_ns, which it subtracts from each reading.
void calibrate_verification(const RunConfig &run, RoleReport &r);

}  // namespace ipcb

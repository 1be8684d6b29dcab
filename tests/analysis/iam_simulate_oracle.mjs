// Differential-test oracle: reads a JSON array of iam-simulate `Simulation` objects on stdin and
// prints a JSON array of results ("Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied" | "error: ...").
// Dev-only: @cloud-copilot/iam-simulate is pinned in package.json devDependencies.
import { runSimulation } from '@cloud-copilot/iam-simulate'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const simulations = JSON.parse(Buffer.concat(chunks).toString('utf8'))
const results = []
for (const simulation of simulations) {
  try {
    const response = await runSimulation(simulation, {})
    if (response.resultType === 'error') {
      results.push('error: ' + JSON.stringify(response.errors).slice(0, 400))
    } else {
      results.push(response.overallResult)
    }
  } catch (error) {
    results.push('error: ' + String(error).slice(0, 400))
  }
}
process.stdout.write(JSON.stringify(results))

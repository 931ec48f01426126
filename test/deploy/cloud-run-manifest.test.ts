import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { CONFIG_VARIABLES, loadConfig } from "../../server/config.js";
import { startTestServer } from "../support/test-server.js";

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Probe {
  httpGet: { path: string; port: number };
}
interface Manifest {
  spec: {
    template: {
      metadata: { annotations: Record<string, string> };
      spec: {
        containerConcurrency: number;
        timeoutSeconds: number;
        containers: {
          ports: { containerPort: number }[];
          env: EnvVar[];
          startupProbe: Probe;
          livenessProbe: Probe;
        }[];
      };
    };
  };
}

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const manifest = parse(read("deploy/cloud-run/service.yaml")) as Manifest;
const revision = manifest.spec.template;
const container = revision.spec.containers[0]!;

describe("the Cloud Run service manifest", () => {
  it("keeps WebSockets open for an hour, on instances that stay up and keep their clients", () => {
    expect(revision.spec.timeoutSeconds).toBe(3600);
    expect(revision.metadata.annotations["run.googleapis.com/sessionAffinity"]).toBe("true");
    expect(Number(revision.metadata.annotations["autoscaling.knative.dev/minScale"])).toBe(1);
    expect(revision.spec.containerConcurrency).toBeGreaterThan(1);
  });

  it("sets only variables the server reads, secrets from Secret Manager, and a valid configuration", () => {
    const secretLike = /KEY|TOKEN|SECRET|PASSWORD/;
    const env: Record<string, string> = {};
    for (const variable of container.env) {
      expect(CONFIG_VARIABLES, variable.name).toContain(variable.name);
      if (secretLike.test(variable.name)) {
        expect(variable.value, variable.name).toBeUndefined();
        expect(variable.valueFrom?.secretKeyRef?.key, variable.name).toBe("latest");
        env[variable.name] = "a-secret-value-from-secret-manager";
      } else {
        env[variable.name] = variable.value ?? "";
      }
    }
    const config = loadConfig({ ...env, PORT: String(container.ports[0]!.containerPort) });
    expect(config).toMatchObject({ store: "firestore", auth: "firebase", host: "0.0.0.0" });
    expect(config.metricsToken).toBeDefined();
    expect(config.shutdownGraceMs).toBeLessThan(10_000);
  });

  it("serves the port the image exposes, and probes routes that answer", async () => {
    const dockerfile = read("Dockerfile");
    const port = container.ports[0]!.containerPort;
    expect(dockerfile).toMatch(new RegExp(`^EXPOSE ${port}$`, "m"));
    expect(dockerfile).toMatch(new RegExp(`^ENV .*\\bPORT=${port}\\b`, "m"));
    const server = await startTestServer();
    try {
      for (const probe of [container.startupProbe, container.livenessProbe]) {
        expect(probe.httpGet.port).toBe(port);
        expect((await fetch(`${server.http}${probe.httpGet.path}`)).status).toBe(200);
      }
    } finally {
      await server.stop();
    }
  });
});

import { Construct } from "constructs";
import { CloudRunV2Service } from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { CloudRunV2ServiceIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-service-iam-member";
import { GcpEnvironment } from "../../lib/environment";
import { DatabaseEndpoint, databaseUrl, ServiceEndpoint } from "../parts";
import { GcpBucket } from "./bucket";
import { GcpLoadBalancer } from "./load-balancer";
import { GcpNetwork } from "./network";
import { regionalSecret } from "./secret";

/**
 * The app on Cloud Run (v2): its own service account, startup and liveness probes on the health
 * path, private egress into the VPC (Direct VPC egress) for Cloud SQL, and its secrets from Secret
 * Manager. With a DNS record it is reached only through a global HTTPS load balancer (Cloud Run
 * domain mappings are preview and not offered in every region); without one, at its run.app URL.
 */
export class GcpService extends Construct implements ServiceEndpoint {
  readonly url: string;
  readonly publicIpv4: readonly string[];
  readonly publicIpv6: readonly string[] = [];

  constructor(scope: Construct, id: string, env: GcpEnvironment, deps: { net: GcpNetwork; db: DatabaseEndpoint; bucket: GcpBucket }) {
    super(scope, id);
    const { net, db, bucket } = deps;
    const reader = [net.runtimeAccount.member];
    const secrets = {
      DATABASE_URL: regionalSecret(this, "database-url", env, databaseUrl(db, "require"), reader),
      S3_ACCESS_KEY_ID: regionalSecret(this, "s3-access-key", env, bucket.accessKeyId, reader),
      S3_SECRET_ACCESS_KEY: regionalSecret(this, "s3-secret-key", env, bucket.secretAccessKey, reader),
    };
    const plain = { S3_ENDPOINT: bucket.endpoint, S3_REGION: bucket.region, S3_BUCKET: bucket.name, APP_VERSION: env.service.image.split(":").pop()! };
    const probe = { httpGet: { path: env.service.healthPath, port: env.service.port }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 };
    const publicViaLoadBalancer = env.service.ingress === "all" && env.dns !== undefined;

    const service = new CloudRunV2Service(this, "service", {
      name: env.name,
      location: env.location,
      deletionProtection: env.protect,
      ingress: env.service.ingress === "internal" ? "INGRESS_TRAFFIC_INTERNAL_ONLY"
        : publicViaLoadBalancer ? "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" : "INGRESS_TRAFFIC_ALL",
      labels: { environment: env.name },
      template: {
        serviceAccount: net.runtimeAccount.email,
        scaling: { minInstanceCount: env.service.replicas, maxInstanceCount: Math.max(env.service.maxInstances, env.service.replicas) },
        vpcAccess: { networkInterfaces: [{ network: net.network.id, subnetwork: net.subnet.id }], egress: "PRIVATE_RANGES_ONLY" },
        containers: [{
          image: env.service.image,
          ports: { containerPort: env.service.port },
          resources: { limits: { cpu: env.service.cpu, memory: env.service.memory } },
          env: [
            ...Object.entries(plain).map(([name, value]) => ({ name, value })),
            ...Object.entries(secrets).map(([name, { secret }]) => ({ name, valueSource: { secretKeyRef: { secret: secret.secretId, version: "latest" } } })),
          ],
          startupProbe: { ...probe, failureThreshold: 12 },
          livenessProbe: probe,
        }],
      },
      // Cloud Run checks at deploy that the secrets' versions exist and that the service account may
      // read them; the references above name only the secrets. (DATABASE_URL's version waits for Cloud SQL.)
      dependsOn: Object.values(secrets).flatMap((s) => s.readable),
    });
    if (env.service.ingress === "all") {
      // A public API: anyone may invoke it (ingress still decides through which front door).
      new CloudRunV2ServiceIamMember(this, "public", { name: service.name, location: service.location, role: "roles/run.invoker", member: "allUsers" });
    }

    if (publicViaLoadBalancer) {
      const lb = new GcpLoadBalancer(this, "load-balancer", env, service);
      this.url = `https://${lb.domain}`;
      this.publicIpv4 = [lb.address];
    } else {
      this.url = service.uri;
      this.publicIpv4 = [];
    }
  }
}

import { Testing } from "cdktf";
// Brings cdktf's matcher types (toHaveResourceWithProperties, ...) into jest's `expect`.
import type {} from "cdktf/lib/testing/adapters/jest";

Testing.setupJest();

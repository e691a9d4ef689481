// Diagnostic preload for the synth benchmark (`node --import tsx --import <this> main.ts`): turns off
// the source maps tsx turns on. cdktf captures a stack trace for every token and construct, and with
// source maps on Node decodes the inline source map of every cdktf and provider module it loads.
process.setSourceMapsEnabled(false);

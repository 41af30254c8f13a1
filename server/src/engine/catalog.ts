/**
 * The rules the engine runs, for the layers above it (settings validation, hover, CLI, docs). The engine
 * is the only importer of the rule registry, so what runs and what is documented cannot differ.
 */
export { RULES, ruleByCode } from '../rules/registry';

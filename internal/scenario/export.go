package scenario

// DevOverridesConfig is the OpenTofu CLI configuration that makes OpenTofu use the provider
// built into providerDir (see cliConfig), for other tools that drive OpenTofu against prismsim,
// such as tools/bench.
func DevOverridesConfig(providerDir string) string { return cliConfig(providerDir) }

// TofuEnv is the environment of OpenTofu commands run with the CLI configuration file
// cliConfigFile (see tofuEnv).
func TofuEnv(environ []string, cliConfigFile string) []string { return tofuEnv(environ, cliConfigFile) }

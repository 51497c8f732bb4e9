package v4

import "strings"

// What a job's execution step recovered (SDK dataprotection-go-client
// models/dataprotection/v4/config: RecoveryPlanJobExecutionStep.executionStepResults, a
// list of ExecutionStepResult whose result is a oneOf of which EntityRecoveryResult
// {sourceEntityExtId, recoveredEntityExtId, entityType, name} is the one member). The model's
// steps record the same (v3's recovered_entity_information); a VM the step failed to recover
// has no EntityRecoveryResult (the model keeps only its error, which the step's errorMessage
// carries).

func renderStepResults(recovered []RecoveredEntity) []any {
	var out []any
	for _, r := range recovered {
		typ := commonEntityTypes[r.Kind]
		if typ == "" {
			typ = strings.ToUpper(r.Kind)
		}
		result := DataProtection.object("dataprotection.v4.config.EntityRecoveryResult", map[string]any{
			"sourceEntityExtId": r.ExtID, "recoveredEntityExtId": r.RecoveredExtID, "entityType": typ, "name": r.Name,
		})
		out = append(out, DataProtection.object("dataprotection.v4.config.ExecutionStepResult", map[string]any{
			"$resultItemDiscriminator": "dataprotection.v4.config.EntityRecoveryResult",
			"result":                   result,
		}))
	}
	return out
}

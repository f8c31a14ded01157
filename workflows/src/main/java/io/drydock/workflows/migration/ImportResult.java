package io.drydock.workflows.migration;

/**
 * How a run of an import workflow ended.
 *
 * @param status the status the run ended in
 * @param applied false when the run had been superseded, so its final status write was refused
 * @param error the error text, or null
 */
public record ImportResult(
    MigrationStatus status, boolean applied, String error, ImportCounts counts) {}

using CeasefireWatch.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CeasefireWatch.Web.Data;

internal sealed class IncidentConfiguration : IEntityTypeConfiguration<Incident>
{
    public void Configure(EntityTypeBuilder<Incident> incident)
    {
        incident.HasKey(i => i.Id);
        incident.Ignore(i => i.Reference);
        incident.Property(i => i.Title).HaveMaxLengthOf(IncidentLimits.Title);
        incident.Property(i => i.Oblast).HaveMaxLengthOf(IncidentLimits.Oblast);
        incident.Property(i => i.Location).HaveMaxLengthOf(IncidentLimits.Location);
        incident.Property(i => i.Description).HaveMaxLengthOf(IncidentLimits.Description);
        incident.Property(i => i.CreatedBy).HaveMaxLengthOf(IncidentLimits.Actor);
        incident.Property(i => i.ResolutionReason).HasMaxLength(IncidentLimits.Reason);
        incident.Property(i => i.Version).IsConcurrencyToken();
        incident.Property(i => i.DiplomaticWarningRecipient).HasMaxLength(IncidentLimits.Reason);
        incident.Property(i => i.DiplomaticWarningChannel).HasMaxLength(IncidentLimits.Reason);
        incident.Property(i => i.Verification).HasConversion<string>().HasMaxLength(16);
        // Partial, like the other indexes on columns a live report leaves empty: each index a new incident enters is one
        // more page its commit writes to the write-ahead log (docs/performance.md).
        incident.HasIndex(i => i.MergedIntoId).HasFilter("\"MergedIntoId\" IS NOT NULL");

        // An imported event is imported once, whoever imports it and however often (a weekly ACLED export overlaps the
        // last): the import skips the events it finds here, and of two imports at once the second meets this index and
        // tries again. Live reports have none, and NULLs do not collide in a unique index on either database.
        incident.Property(i => i.ExternalReference).HasMaxLength(IncidentLimits.ExternalReference);
        // Partial: a live report (no reference) then writes no page of it; each page a report's commit dirties is a page
        // of the write-ahead log (docs/performance.md).
        incident.HasIndex(i => i.ExternalReference).IsUnique().HasFilter("\"ExternalReference\" IS NOT NULL");

        // The engine's "due now" and "earliest deadline", the health check's lag and the dashboard's most urgent cards all
        // ask for ACTIVE incidents by deadline. With NextStageAt alone SQLite chose (Status, Stage) for Status = 'Active'
        // and then scanned and sorted every active incident, on every wake-up of the engine (docs/performance.md);
        // (Status, NextStageAt) answers each with a seek in deadline order.
        incident.HasIndex(i => new { i.Status, i.NextStageAt });
        // Resolutions of the last 30 days (the dashboard's chart) without reading every resolved incident.
        incident.HasIndex(i => new { i.Status, i.CeasedAt }).HasFilter("\"CeasedAt\" IS NOT NULL");
        incident.HasIndex(i => new { i.Status, i.Stage });
        // The list's default order within a status (GET /api/incidents?status=Active, newest first: what a pipeline and
        // the Incidents page ask most). With the status index alone SQLite read and sorted every incident of the status:
        // 160 ms with 120 k active, against 1 ms walking this one backwards (the row id ends it, so ties on the time
        // come in the list's Id order too).
        incident.HasIndex(i => new { i.Status, i.OccurredAt });
        incident.HasIndex(i => i.OccurredAt);
        incident.HasIndex(i => i.Oblast);

        incident.HasMany(i => i.Reports).WithOne().HasForeignKey(r => r.IncidentId).OnDelete(DeleteBehavior.Cascade);
        incident.HasMany(i => i.Timeline).WithOne().HasForeignKey(e => e.IncidentId).OnDelete(DeleteBehavior.Cascade);
        incident.HasMany(i => i.Acknowledgements).WithOne().HasForeignKey(a => a.IncidentId).OnDelete(DeleteBehavior.Cascade);
        incident.Navigation(i => i.Acknowledgements).UsePropertyAccessMode(PropertyAccessMode.Field);
        incident.Navigation(i => i.Reports).UsePropertyAccessMode(PropertyAccessMode.Field);
        incident.Navigation(i => i.Timeline).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class ViolationReportConfiguration : IEntityTypeConfiguration<ViolationReport>
{
    public void Configure(EntityTypeBuilder<ViolationReport> report)
    {
        report.HasKey(r => r.Id);
        report.Property(r => r.Oblast).HaveMaxLengthOf(IncidentLimits.Oblast);
        report.Property(r => r.Location).HaveMaxLengthOf(IncidentLimits.Location);
        report.Property(r => r.Description).HaveMaxLengthOf(IncidentLimits.Description);
        report.Property(r => r.ReportedBy).HaveMaxLengthOf(IncidentLimits.Actor);
        report.Property(r => r.VerifiedBy).HasMaxLength(IncidentLimits.Actor);
        report.Property(r => r.MergedFrom).HasMaxLength(16);
        report.HasIndex(r => r.IncidentId);
    }
}

internal sealed class TimelineEntryConfiguration : IEntityTypeConfiguration<TimelineEntry>
{
    public void Configure(EntityTypeBuilder<TimelineEntry> entry)
    {
        entry.HasKey(e => e.Id);
        entry.Property(e => e.Actor).HaveMaxLengthOf(IncidentLimits.Actor);
        entry.Property(e => e.Details).HaveMaxLengthOf(IncidentLimits.TimelineDetails);
        entry.Property(e => e.MergedFrom).HasMaxLength(16);
        entry.HasIndex(e => new { e.IncidentId, e.At });

        // Exactly one StageEntered per tier per incident, guaranteed by the database even if two writers race.
        entry.HasIndex(e => new { e.IncidentId, e.Stage })
            .IsUnique()
            .HasFilter("\"Kind\" = 'StageEntered'")
            .HasDatabaseName("IX_TimelineEntries_OneStageEnteredPerTier");
    }
}

internal sealed class CoalitionAcknowledgementConfiguration : IEntityTypeConfiguration<CoalitionAcknowledgement>
{
    public void Configure(EntityTypeBuilder<CoalitionAcknowledgement> answer)
    {
        answer.HasKey(a => a.Id);
        answer.Property(a => a.Country).HaveMaxLengthOf(100);
        answer.Property(a => a.State).HasConversion<string>().HasMaxLength(16);
        answer.Property(a => a.Note).HaveMaxLengthOf(IncidentLimits.Reason);
        answer.Property(a => a.By).HaveMaxLengthOf(IncidentLimits.Actor);
        answer.HasIndex(a => a.IncidentId);
    }
}

internal static class PropertyBuilderExtensions
{
    public static PropertyBuilder<string> HaveMaxLengthOf(this PropertyBuilder<string> property, int length) =>
        property.IsRequired().HasMaxLength(length);
}

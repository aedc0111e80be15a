using System.Runtime.CompilerServices;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Features.Incidents;
using CsvHelper;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Severity = CeasefireWatch.Web.Domain.Severity;

namespace CeasefireWatch.Web.Features.Export;

/// <summary>
/// One row per matching incident, in the Incidents import format plus <c>id</c>, <c>reference</c>, <c>stage</c>,
/// <c>status</c>, in id order, so that the file imported into an empty instance yields the same incidents (and ids),
/// with the tiers and due instants the policy gives their times (an early escalation, a hold, a merge or a dismissal is
/// not read back: docs/operations.md). Streamed from the database.
/// </summary>
public static class ExportIncidents
{
    public sealed record Query(
        string? Status = null,
        string? Stage = null,
        string? Oblast = null,
        string? From = null,
        string? To = null,
        string? Verification = null,
        string? Overdue = null,
        string? Q = null) : IStreamQuery<IncidentCsvRow>, IIncidentFilter;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => Include(new IncidentFilterValidator());
    }

    public sealed class Handler(AppDbContext db, IValidator<Query> validator, TimeProvider clock, EscalationPolicy policy) : IStreamQueryHandler<Query, IncidentCsvRow>
    {
        public async IAsyncEnumerable<IncidentCsvRow> Handle(Query query, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            // Streams bypass the request pipeline's behaviours, so the validator is run here.
            await validator.ValidateAndThrowAsync(query, cancellationToken);
            var incidents = db.Incidents.AsNoTracking().Selected(query, clock.GetUtcNow().UtcDateTime, policy.ChecklistOverdueAfter).OrderBy(i => i.Id);
            await foreach (var i in incidents.AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                yield return new IncidentCsvRow
                {
                    Id = i.Id,
                    Reference = i.Reference,
                    Title = IncidentsCsv.Text(i.Title),
                    OccurredAt = i.OccurredAt,
                    OccurredAtKyiv = CsvTime.Kyiv(i.OccurredAt),
                    CeasedAt = i.CeasedAt,
                    CeasedAtKyiv = CsvTime.Kyiv(i.CeasedAt),
                    Oblast = i.Oblast,
                    Location = IncidentsCsv.Text(i.Location),
                    Latitude = i.Latitude,
                    Longitude = i.Longitude,
                    ViolationType = i.ViolationType,
                    Severity = i.Severity,
                    SourceType = i.SourceType,
                    Killed = i.Killed,
                    Wounded = i.Wounded,
                    Description = IncidentsCsv.Text(i.Description),
                    Stage = i.Stage,
                    Status = i.Status,
                    NextStageAt = i.NextStageAt,
                    NextStageAtKyiv = CsvTime.Kyiv(i.NextStageAt),
                };
            }
        }
    }
}

/// <summary>
/// One incident as a CSV row: the import columns (<see cref="Import.ImportCsv.IncidentColumns"/>), then what the import
/// does not read (id, reference, stage, status, the next deadline) and each time's Kyiv twin, which it ignores.
/// Coordinates and counts are numbers, so a spreadsheet keeps them numbers; only text cells are neutralised.
/// </summary>
[CsvRecord]
public sealed partial class IncidentCsvRow
{
    [CsvColumn("id")]
    public int Id { get; init; }

    [CsvColumn("reference")]
    public string Reference { get; init; } = string.Empty;

    [CsvColumn("title")]
    public string Title { get; init; } = string.Empty;

    [CsvColumn("occurred_at")]
    [CsvConverter(typeof(CsvTime.Utc))]
    public DateTime OccurredAt { get; init => field = CsvTime.AsUtc(value); }

    [CsvColumn("occurred_at_kyiv")]
    [CsvConverter(typeof(CsvTime.Local))]
    public DateTimeOffset OccurredAtKyiv { get; init; }

    [CsvColumn("ceased_at")]
    [CsvConverter(typeof(CsvTime.UtcOrNone))]
    public DateTime? CeasedAt { get; init => field = CsvTime.AsUtc(value); }

    [CsvColumn("ceased_at_kyiv")]
    [CsvConverter(typeof(CsvTime.LocalOrNone))]
    public DateTimeOffset? CeasedAtKyiv { get; init; }

    [CsvColumn("oblast")]
    public string Oblast { get; init; } = string.Empty;

    [CsvColumn("location")]
    public string Location { get; init; } = string.Empty;

    [CsvColumn("latitude")]
    public double? Latitude { get; init; }

    [CsvColumn("longitude")]
    public double? Longitude { get; init; }

    [CsvColumn("violation_type")]
    public ViolationType ViolationType { get; init; }

    [CsvColumn("severity")]
    public Severity Severity { get; init; }

    [CsvColumn("source_type")]
    public SourceType SourceType { get; init; }

    [CsvColumn("killed")]
    public int? Killed { get; init; }

    [CsvColumn("wounded")]
    public int? Wounded { get; init; }

    [CsvColumn("description")]
    public string Description { get; init; } = string.Empty;

    [CsvColumn("stage")]
    public Stage Stage { get; init; }

    [CsvColumn("status")]
    public IncidentStatus Status { get; init; }

    [CsvColumn("next_stage_at")]
    [CsvConverter(typeof(CsvTime.UtcOrNone))]
    public DateTime? NextStageAt { get; init => field = CsvTime.AsUtc(value); }

    [CsvColumn("next_stage_at_kyiv")]
    [CsvConverter(typeof(CsvTime.LocalOrNone))]
    public DateTimeOffset? NextStageAtKyiv { get; init; }
}

/// <summary>
/// The incidents CSV. Formula cells are neutralised by CsvHelper's guard (<c>=x</c> is written <c>'=x</c>), and a
/// text that itself starts with <c>'</c> gets one more in front (<see cref="Text"/>; the library cannot take
/// <c>'</c> as both trigger and escape). The importer drops one leading <c>'</c> before a formula character or
/// another <c>'</c>, so every text reads back exactly as it was: <c>'=x</c> is written <c>''=x</c> and read <c>'=x</c>.
/// Numbers (coordinates, counts) are written as numbers and never prefixed: a spreadsheet must keep them numbers.
/// </summary>
public static class IncidentsCsv
{
    public static string Text(string text) => text.StartsWith('\'') ? "'" + text : text;

    public static CsvWriterOptions Options { get; } = TimelineCsv.Options;

    public static CsvWriterOptions WithByteOrderMark { get; } = Options with { WriteByteOrderMark = true };

    public static async Task WriteAsync(
        Stream destination, IAsyncEnumerable<IncidentCsvRow> rows, bool byteOrderMark, CancellationToken cancellationToken)
    {
        await using var csv = CsvWriter.Create(destination, byteOrderMark ? WithByteOrderMark : Options, leaveOpen: true);
        await csv.WriteRecordsAsync(rows, cancellationToken);
    }
}

using System.Runtime.CompilerServices;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Features.Incidents;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Features.Export;

/// <summary>
/// Every timeline entry of the matching incidents (or of one incident), in incident then time order,
/// streamed row by row from the database so an export of thousands of incidents never sits in memory.
/// </summary>
public static class ExportTimelines
{
    public sealed record Query(
        string? Status = null,
        string? Stage = null,
        string? Oblast = null,
        string? From = null,
        string? To = null,
        int? IncidentId = null,
        string? Verification = null,
        string? Overdue = null,
        string? Q = null) : IStreamQuery<TimelineCsvRow>, IIncidentFilter;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => Include(new IncidentFilterValidator());
    }

    private sealed record IncidentColumns(
        int Id, string Reference, string Title, string Oblast, IncidentStatus Status, Stage Stage, DateTime OccurredAt, DateTimeOffset OccurredAtKyiv);

    public sealed class Handler(AppDbContext db, IValidator<Query> validator, TimeProvider clock, EscalationPolicy policy) : IStreamQueryHandler<Query, TimelineCsvRow>
    {
        public async IAsyncEnumerable<TimelineCsvRow> Handle(Query query, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            // Streams bypass the request pipeline's behaviours, so the validator is run here.
            await validator.ValidateAndThrowAsync(query, cancellationToken);
            var incidents = db.Incidents.AsNoTracking().Selected(query, clock.GetUtcNow().UtcDateTime, policy.ChecklistOverdueAfter);
            if (query.IncidentId is { } id)
            {
                if (!await db.Incidents.AnyAsync(i => i.Id == id, cancellationToken))
                {
                    throw NotFoundException.Incident(id);
                }

                incidents = incidents.Where(i => i.Id == id);
            }

            var rows =
                from e in db.TimelineEntries.AsNoTracking()
                join i in incidents on e.IncidentId equals i.Id
                orderby i.OccurredAt, i.Id, e.At, e.Id
                select new { i.Id, i.Title, i.Oblast, i.Status, IncidentStage = i.Stage, i.OccurredAt, e.At, e.Kind, e.Stage, e.Actor, e.Details, e.DueAt };

            // EF Core writes the query (with the filters above as parameters) and a plain data reader reads it: at a
            // million rows EF Core's per-row materialiser and its general date parsing were a third of the export's
            // time (docs/performance.md). The columns come in the order of the projection above.
            await using var command = rows.CreateDbCommand();
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                IncidentColumns? incident = null;
                while (await reader.ReadAsync(cancellationToken))
                {
                    // Rows come incident by incident: its columns are read and formatted once, not once per entry.
                    var incidentId = reader.GetInt32(0);
                    if (incident?.Id != incidentId)
                    {
                        var occurredAt = StoredTime.Read(reader, 5);
                        incident = new IncidentColumns(
                            incidentId, Incident.FormatReference(incidentId), reader.GetString(1), reader.GetString(2),
                            StoredName<IncidentStatus>.Parse(reader.GetString(3)), StoredName<Stage>.Parse(reader.GetString(4)),
                            occurredAt, CsvTime.Kyiv(occurredAt));
                    }

                    var at = StoredTime.Read(reader, 6);
                    var dueAt = reader.IsDBNull(11) ? (DateTime?)null : StoredTime.Read(reader, 11);
                    yield return new TimelineCsvRow
                    {
                        IncidentReference = incident.Reference,
                        IncidentTitle = incident.Title,
                        AtUtc = at,
                        AtKyiv = CsvTime.Kyiv(at),
                        Kind = StoredName<TimelineKind>.Parse(reader.GetString(7)),
                        Stage = StoredName<Stage>.Parse(reader.GetString(8)),
                        Actor = reader.GetString(9),
                        Details = reader.GetString(10),
                        DueAtUtc = dueAt,
                        DueAtKyiv = CsvTime.Kyiv(dueAt),
                        IncidentId = incidentId,
                        Oblast = incident.Oblast,
                        IncidentStatus = incident.Status,
                        IncidentStage = incident.Stage,
                        IncidentOccurredAtUtc = incident.OccurredAt,
                        IncidentOccurredAtKyiv = incident.OccurredAtKyiv,
                    };
                }
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }
}

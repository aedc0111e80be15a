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
        string? Verification = null) : IStreamQuery<TimelineCsvRow>, IIncidentFilter;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => Include(new IncidentFilterValidator());
    }

    public sealed class Handler(AppDbContext db, IValidator<Query> validator) : IStreamQueryHandler<Query, TimelineCsvRow>
    {
        public async IAsyncEnumerable<TimelineCsvRow> Handle(Query query, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            // Streams bypass the request pipeline's behaviours, so the validator is run here.
            await validator.ValidateAndThrowAsync(query, cancellationToken);
            var incidents = db.Incidents.AsNoTracking().Matching(query);
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

            await foreach (var r in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                yield return new TimelineCsvRow
                {
                    IncidentReference = Incident.FormatReference(r.Id),
                    IncidentTitle = r.Title,
                    AtUtc = r.At,
                    AtKyiv = CsvTime.Kyiv(r.At),
                    Kind = r.Kind,
                    Stage = r.Stage,
                    Actor = r.Actor,
                    Details = r.Details,
                    DueAtUtc = r.DueAt,
                    DueAtKyiv = CsvTime.Kyiv(r.DueAt),
                    IncidentId = r.Id,
                    Oblast = r.Oblast,
                    IncidentStatus = r.Status,
                    IncidentStage = r.IncidentStage,
                    IncidentOccurredAtUtc = r.OccurredAt,
                    IncidentOccurredAtKyiv = CsvTime.Kyiv(r.OccurredAt),
                };
            }
        }
    }
}

using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Features.Dashboard;

/// <summary>Active incidents, the most urgent deadline first, with the counts per tier.</summary>
public static class GetDashboard
{
    /// <summary>More than a wall can show; the count per tier still covers every incident.</summary>
    public const int MaxCards = 200;

    public sealed record Query : IQuery<Model>;

    public sealed record Card(
        int Id,
        string Reference,
        string Title,
        Stage Stage,
        Severity Severity,
        ViolationType ViolationType,
        string Oblast,
        string Location,
        DateTime OccurredAt,
        DateTime? NextStageAt,
        bool DiplomaticWarningIssued);

    public sealed record Model(DateTime Now, IReadOnlyList<Card> Active, GetStats.Stats Stats);

    public sealed class Handler(AppDbContext db, TimeProvider clock, IMediator mediator) : IQueryHandler<Query, Model>
    {
        public async ValueTask<Model> Handle(Query query, CancellationToken cancellationToken)
        {
            var active = await db.Incidents
                .AsNoTracking()
                .Where(i => i.Status == IncidentStatus.Active)
                .OrderBy(i => i.NextStageAt == null)
                .ThenBy(i => i.NextStageAt)
                .ThenBy(i => i.OccurredAt)
                .Take(MaxCards)
                .Select(i => new Card(
                    i.Id, Incident.FormatReference(i.Id), i.Title, i.Stage, i.Severity, i.ViolationType, i.Oblast, i.Location,
                    i.OccurredAt, i.NextStageAt, i.DiplomaticWarningIssuedAt != null))
                .ToListAsync(cancellationToken);
            var stats = await mediator.Send(new GetStats.Query(), cancellationToken);
            return new Model(clock.GetUtcNow().UtcDateTime, active, stats);
        }
    }
}

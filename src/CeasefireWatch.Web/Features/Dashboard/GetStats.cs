using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Features.Dashboard;

/// <summary>
/// Counts per tier: active incidents by their stage, resolved ones by the highest stage they reached
/// (tiers never go down, so that is their stage), and dismissed ones (false reports) apart, by the stage they had
/// reached. Merged incidents are counted once, as their survivor. All three stages are always present.
/// </summary>
public static class GetStats
{
    public sealed record Query : IQuery<Stats>;

    public sealed record Stats(IReadOnlyDictionary<Stage, int> Active, IReadOnlyDictionary<Stage, int> Resolved, IReadOnlyDictionary<Stage, int> Dismissed);

    public sealed class Handler(AppDbContext db) : IQueryHandler<Query, Stats>
    {
        public async ValueTask<Stats> Handle(Query query, CancellationToken cancellationToken)
        {
            var counts = await db.Incidents
                .GroupBy(i => new { i.Status, i.Stage })
                .Select(g => new { g.Key.Status, g.Key.Stage, Count = g.Count() })
                .ToListAsync(cancellationToken);
            return new Stats(ByStage(IncidentStatus.Active), ByStage(IncidentStatus.Resolved), ByStage(IncidentStatus.Dismissed));

            Dictionary<Stage, int> ByStage(IncidentStatus status) =>
                StageInfo.All.ToDictionary(
                    stage => stage,
                    stage => counts.Where(c => c.Status == status && c.Stage == stage).Sum(c => c.Count));
        }
    }
}

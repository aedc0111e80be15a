using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Data;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>One incident with its reports and whole timeline.</summary>
public static class GetIncident
{
    public sealed record Query(int Id) : IQuery<IncidentDetailsDto>;

    public sealed class Handler(AppDbContext db, IncidentWorkflow workflow, TimeProvider clock, Domain.EscalationPolicy policy)
        : IQueryHandler<Query, IncidentDetailsDto>
    {
        public async ValueTask<IncidentDetailsDto> Handle(Query query, CancellationToken cancellationToken)
        {
            var incident = await db.Incidents
                .AsNoTracking()
                .Include(i => i.Reports)
                .Include(i => i.Timeline)
                .Include(i => i.Acknowledgements)
                .AsSplitQuery()
                .FirstOrDefaultAsync(i => i.Id == query.Id, cancellationToken)
                ?? throw NotFoundException.Incident(query.Id);
            var roster = await workflow.RosterAsync(cancellationToken);
            return IncidentDetailsDto.From(incident, roster, clock.GetUtcNow().UtcDateTime, policy.ChecklistOverdueAfter);
        }
    }
}

using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>One incident with its reports and whole timeline.</summary>
public static class GetIncident
{
    public sealed record Query(int Id) : IQuery<IncidentDetailsDto>;

    public sealed class Handler(AppDbContext db) : IQueryHandler<Query, IncidentDetailsDto>
    {
        public async ValueTask<IncidentDetailsDto> Handle(Query query, CancellationToken cancellationToken)
        {
            var incident = await db.Incidents
                .AsNoTracking()
                .Include(i => i.Reports)
                .Include(i => i.Timeline)
                .AsSplitQuery()
                .FirstOrDefaultAsync(i => i.Id == query.Id, cancellationToken)
                ?? throw NotFoundException.Incident(query.Id);
            return IncidentDetailsDto.From(incident);
        }
    }
}

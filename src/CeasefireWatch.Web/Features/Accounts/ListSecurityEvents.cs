using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Features.Incidents;
using CeasefireWatch.Web.Infrastructure.Security;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Features.Accounts;

/// <summary>The security log, newest first, a page at a time.</summary>
public static class ListSecurityEvents
{
    public const int PageSize = 50;

    [RequiresPolicy(Policies.Administer)]
    public sealed record Query(int Page = 1) : IQuery<PagedResult<SecurityEvent>>;

    public sealed class Handler(AppDbContext db) : IQueryHandler<Query, PagedResult<SecurityEvent>>
    {
        public async ValueTask<PagedResult<SecurityEvent>> Handle(Query query, CancellationToken cancellationToken)
        {
            var page = Math.Clamp(query.Page, 1, int.MaxValue / PageSize);
            var total = await db.SecurityEvents.CountAsync(cancellationToken);
            var items = await db.SecurityEvents.AsNoTracking()
                .OrderByDescending(e => e.Id)
                .Skip((page - 1) * PageSize).Take(PageSize)
                .ToListAsync(cancellationToken);
            return new PagedResult<SecurityEvent>(items, total);
        }
    }
}

using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure.Security;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Features.Accounts;

/// <summary>The API keys, live ones first, with their first characters and last use. Never the hash.</summary>
public static class ListApiKeys
{
    [RequiresPolicy(Policies.Administer)]
    public sealed record Query : IQuery<IReadOnlyList<ApiKeyRow>>;

    public sealed record ApiKeyRow(
        int Id, string Name, string Role, string Prefix, DateTime CreatedAt, string CreatedBy, DateTime? RevokedAt, DateTime? LastUsedAt);

    public sealed class Handler(AppDbContext db) : IQueryHandler<Query, IReadOnlyList<ApiKeyRow>>
    {
        public async ValueTask<IReadOnlyList<ApiKeyRow>> Handle(Query query, CancellationToken cancellationToken) =>
            await db.ApiKeys.AsNoTracking()
                .OrderBy(k => k.RevokedAt != null).ThenBy(k => k.Name)
                .Select(k => new ApiKeyRow(k.Id, k.Name, k.Role, k.Prefix, k.CreatedAt, k.CreatedBy, k.RevokedAt, k.LastUsedAt))
                .ToListAsync(cancellationToken);
    }
}

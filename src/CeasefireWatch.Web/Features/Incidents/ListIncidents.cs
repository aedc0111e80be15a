using CeasefireWatch.Web.Data;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>Incidents matching the filters, newest first violation first, a page at a time.</summary>
public static class ListIncidents
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 200;
    public const int MaxPage = int.MaxValue / MaxPageSize;

    public sealed record Query(
        string? Status = null,
        string? Stage = null,
        string? Oblast = null,
        string? From = null,
        string? To = null,
        int? Page = null,
        int? PageSize = null,
        string? Verification = null,
        string? Overdue = null) : IQuery<PagedResult<IncidentDto>>, IIncidentFilter;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            Include(new IncidentFilterValidator());
            // The upper bound keeps (page - 1) * pageSize inside an int: past it the offset would wrap to the first page.
            RuleFor(q => q.Page).InclusiveBetween(1, MaxPage).WithMessage($"The page number must be from 1 to {MaxPage}.");
            RuleFor(q => q.PageSize).InclusiveBetween(1, MaxPageSize).WithMessage($"The page size must be from 1 to {MaxPageSize}.");
        }
    }

    public sealed class Handler(AppDbContext db, TimeProvider clock, Domain.EscalationPolicy policy) : IQueryHandler<Query, PagedResult<IncidentDto>>
    {
        public async ValueTask<PagedResult<IncidentDto>> Handle(Query query, CancellationToken cancellationToken)
        {
            var page = query.Page ?? 1;
            var pageSize = query.PageSize ?? DefaultPageSize;
            var now = clock.GetUtcNow().UtcDateTime;
            var matching = db.Incidents.AsNoTracking().Matching(query);
            if (query.WantsOverdue())
            {
                matching = matching.Overdue(now, policy.ChecklistOverdueAfter);
            }

            var total = await matching.CountAsync(cancellationToken);
            var items = await matching
                .OrderByDescending(i => i.OccurredAt).ThenByDescending(i => i.Id)
                .Skip((page - 1) * pageSize).Take(pageSize)
                .ToListAsync(cancellationToken);
            return new PagedResult<IncidentDto>([.. items.Select(i => IncidentDto.From(i, now, policy.ChecklistOverdueAfter))], total);
        }
    }
}

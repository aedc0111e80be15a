using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>
/// Incidents matching the filters, a page at a time: newest first violation first, or sorted by a column; optionally
/// only those whose reference, title, place or description holds a search text (the incident list's search box).
/// </summary>
public static class ListIncidents
{
    public const int DefaultPageSize = 25;
    public const int MaxSearchLength = IncidentFilterExtensions.MaxSearchLength;

    /// <summary>The sort keys the list offers; a leading '-' sorts descending. The default is <c>-occurred</c>.</summary>
    public static IReadOnlyList<string> SortKeys { get; } = ["reference", "title", "status", "stage", "oblast", "occurred", "due"];

    public const string DefaultSort = "-occurred";
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
        string? Overdue = null,
        string? Q = null,
        string? Sort = null) : IQuery<PagedResult<IncidentDto>>, IIncidentFilter;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            Include(new IncidentFilterValidator());
            // The upper bound keeps (page - 1) * pageSize inside an int: past it the offset would wrap to the first page.
            RuleFor(q => q.Page).InclusiveBetween(1, MaxPage).WithMessage($"The page number must be from 1 to {MaxPage}.");
            RuleFor(q => q.PageSize).InclusiveBetween(1, MaxPageSize).WithMessage($"The page size must be from 1 to {MaxPageSize}.");
            RuleFor(q => q.Sort)
                .Must(s => SortKeys.Contains(s!.TrimStart('-'), StringComparer.Ordinal))
                .When(q => !string.IsNullOrWhiteSpace(q.Sort))
                .WithMessage("'{PropertyValue}' is not a column to sort by.");
        }
    }

    public sealed class Handler(AppDbContext db, TimeProvider clock, Domain.EscalationPolicy policy) : IQueryHandler<Query, PagedResult<IncidentDto>>
    {
        public async ValueTask<PagedResult<IncidentDto>> Handle(Query query, CancellationToken cancellationToken)
        {
            var page = query.Page ?? 1;
            var pageSize = query.PageSize ?? DefaultPageSize;
            var now = clock.GetUtcNow().UtcDateTime;
            var matching = db.Incidents.AsNoTracking().Selected(query, now, policy.ChecklistOverdueAfter);

            var total = await matching.CountAsync(cancellationToken);
            var items = await matching.SortedBy(query.Sort)
                .Skip((page - 1) * pageSize).Take(pageSize)
                .ToListAsync(cancellationToken);
            return new PagedResult<IncidentDto>([.. items.Select(i => IncidentDto.From(i, now, policy.ChecklistOverdueAfter))], total);
        }
    }

    private static readonly System.Linq.Expressions.Expression<Func<Incident, int>> TierNumber =
        i => i.Stage == Stage.UkrainianForces ? 1 : i.Stage == Stage.Coalition ? 2 : 3;

    /// <summary>The (validated) sort; ties broken by id so paging is stable. "due" puts incidents with no next tier last.</summary>
    public static IQueryable<Incident> SortedBy(this IQueryable<Incident> incidents, string? sort)
    {
        var key = string.IsNullOrWhiteSpace(sort) ? DefaultSort : sort.Trim();
        var descending = key.StartsWith('-');
        return key.TrimStart('-') switch
        {
            "reference" => descending ? incidents.OrderByDescending(i => i.Id) : incidents.OrderBy(i => i.Id),
            "title" => Then(descending ? incidents.OrderByDescending(i => i.Title) : incidents.OrderBy(i => i.Title), descending),
            "status" => Then(descending ? incidents.OrderByDescending(i => i.Status) : incidents.OrderBy(i => i.Status), descending),
            // Stages are stored by name: order by tier number, not alphabetically.
            "stage" => Then(descending ? incidents.OrderByDescending(TierNumber) : incidents.OrderBy(TierNumber), descending),
            "oblast" => Then(descending ? incidents.OrderByDescending(i => i.Oblast) : incidents.OrderBy(i => i.Oblast), descending),
            "due" => Then(descending
                ? incidents.OrderBy(i => i.NextStageAt == null).ThenByDescending(i => i.NextStageAt)
                : incidents.OrderBy(i => i.NextStageAt == null).ThenBy(i => i.NextStageAt), descending),
            _ => Then(descending ? incidents.OrderByDescending(i => i.OccurredAt) : incidents.OrderBy(i => i.OccurredAt), descending),
        };

        static IOrderedQueryable<Incident> Then(IOrderedQueryable<Incident> ordered, bool descending) =>
            descending ? ordered.ThenByDescending(i => i.Id) : ordered.ThenBy(i => i.Id);
    }
}

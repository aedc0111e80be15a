using System.Text.Json.Serialization;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>
/// A supervisor merges two incidents that are the same violation: this one (the route's) folds into
/// <see cref="Command.IntoId"/>, which survives with the earliest T0, both histories and the higher tier. Both are
/// saved in one transaction; a concurrent change to either makes the merge a 409 with nothing saved.
/// </summary>
public static class MergeIncident
{
    [RequiresPolicy(Policies.Supervise)]
    public sealed record Command(int? IntoId) : ICommand<IncidentDto>
    {
        [JsonIgnore]
        public int IncidentId { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.IntoId).NotNull().WithMessage("Say which incident this one is merged into (intoId).");
            RuleFor(c => c.IntoId).NotEqual(c => c.IncidentId).WithMessage("An incident cannot be merged into itself.");
        }
    }

    public sealed class Handler(AppDbContext db, IncidentWorkflow workflow) : ICommandHandler<Command, IncidentDto>
    {
        public async ValueTask<IncidentDto> Handle(Command command, CancellationToken cancellationToken)
        {
            return await workflow.ActOnBothAsync(
                async ct =>
                {
                    var duplicate = await LoadWholeAsync(command.IncidentId, ct) ?? throw NotFoundException.Incident(command.IncidentId);
                    var survivor = await LoadWholeAsync(command.IntoId!.Value, ct)
                        ?? throw new ValidationException([new ValidationFailure(nameof(Command.IntoId),
                            $"There is no incident {Incident.FormatReference(command.IntoId.Value)} to merge into.")]);
                    return (survivor, duplicate);
                },
                (survivor, duplicate, x) => duplicate.MergeInto(survivor, x.Now, x.Actor, x.Policy),
                cancellationToken);
        }

        private Task<Incident?> LoadWholeAsync(int id, CancellationToken ct) =>
            db.Incidents.Include(i => i.Reports).Include(i => i.Timeline).Include(i => i.Acknowledgements)
                .AsSplitQuery().FirstOrDefaultAsync(i => i.Id == id, ct);
    }
}

/// <summary>Incidents that may be the same violation: same oblast, first violations within a few hours, not merged or dismissed.</summary>
public static class FindLikelyDuplicates
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(6);

    public sealed record Query(int Id) : IQuery<IReadOnlyList<Candidate>>;

    public sealed record Candidate(int Id, string Reference, string Title, DateTime OccurredAt, Stage Stage, IncidentStatus Status);

    public sealed class Handler(AppDbContext db) : IQueryHandler<Query, IReadOnlyList<Candidate>>
    {
        public async ValueTask<IReadOnlyList<Candidate>> Handle(Query query, CancellationToken cancellationToken)
        {
            var self = await db.Incidents.AsNoTracking().Where(i => i.Id == query.Id)
                .Select(i => new { i.Oblast, i.OccurredAt }).FirstOrDefaultAsync(cancellationToken) ?? throw NotFoundException.Incident(query.Id);
            var from = self.OccurredAt - Window;
            var to = self.OccurredAt + Window;
            return await db.Incidents.AsNoTracking()
                .Where(i => i.Id != query.Id && i.Oblast == self.Oblast && i.OccurredAt >= from && i.OccurredAt <= to
                    && (i.Status == IncidentStatus.Active || i.Status == IncidentStatus.Resolved))
                .OrderBy(i => i.OccurredAt).Take(10)
                .Select(i => new Candidate(i.Id, Incident.FormatReference(i.Id), i.Title, i.OccurredAt, i.Stage, i.Status))
                .ToListAsync(cancellationToken);
        }
    }
}

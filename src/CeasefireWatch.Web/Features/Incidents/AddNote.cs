using System.Text.Json.Serialization;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>An analyst's note on the incident's timeline.</summary>
public static class AddNote
{
    [RequiresPolicy(Policies.Report)]
    public sealed record Command(string? Text) : ICommand<IncidentDto>
    {
        [JsonIgnore]
        public int IncidentId { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() =>
            RuleFor(c => c.Text).NotEmpty().WithMessage("Write the note.").MaximumLength(IncidentLimits.Note);
    }

    public sealed class Handler(AppDbContext db, TimeProvider clock, ICurrentActor actor, IPublisher publisher)
        : ICommandHandler<Command, IncidentDto>
    {
        public async ValueTask<IncidentDto> Handle(Command command, CancellationToken cancellationToken)
        {
            var incident = await db.Incidents.GetForUpdateAsync(command.IncidentId, cancellationToken);
            incident.AddNote(command.Text!.Trim(), clock.GetUtcNow().UtcDateTime, actor.Name);
            await db.SaveChangesAsync(cancellationToken);
            await publisher.Publish(new IncidentChanged(incident.Id), cancellationToken);
            return IncidentDto.From(incident);
        }
    }
}

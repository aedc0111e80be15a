using System.Text.Json.Serialization;
using CeasefireWatch.Web.Domain;
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

    public sealed class Handler(IncidentWorkflow workflow) : ICommandHandler<Command, IncidentDto>
    {
        public ValueTask<IncidentDto> Handle(Command command, CancellationToken cancellationToken) =>
            workflow.ActAsync(command.IncidentId, (incident, x) => incident.AddNote(command.Text!.Trim(), x.Now, x.Actor), cancellationToken);
    }
}

using CeasefireWatch.Web.Domain;
using System.Diagnostics;
using Mediator;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>Logs every request's name, outcome and duration; failures with the exception.</summary>
public sealed partial class LoggingBehavior<TMessage, TResponse>(ILogger<LoggingBehavior<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    /// <summary>"LogIncident.Command" rather than "Command": the feature's name is the containing class.</summary>
    private static readonly string RequestName =
        typeof(TMessage).DeclaringType is { } feature ? $"{feature.Name}.{typeof(TMessage).Name}" : typeof(TMessage).Name;

    public async ValueTask<TResponse> Handle(
        TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await next(message, cancellationToken);
            LogHandled(RequestName, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (FluentValidation.ValidationException ex)
        {
            LogRejected(RequestName, string.Join("; ", ex.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")));
            throw;
        }
        catch (Exception ex) when (ex is Domain.DomainRuleException or NotFoundException or Security.ForbiddenException)
        {
            // Refusals are answers (409, 404, 403), not faults: no stack trace.
            LogRefused(RequestName, ex.Message);
            throw;
        }
        catch (Exception ex) when (StorageFailure.Is(ex))
        {
            LogStorageFailed(RequestName, StorageFailure.Describe(ex));
            throw;
        }
        catch (Exception ex) when (Data.ConcurrentChange.Is(ex))
        {
            // Other writers changed the incident on every try: a 409 that asks the caller to read again, not a fault.
            LogConflicted(RequestName);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex, RequestName, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Handled {Request} in {ElapsedMs:0.0} ms")]
    private partial void LogHandled(string request, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Request} rejected: {Failures}")]
    private partial void LogRejected(string request, string failures);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Request} refused: {Reason}")]
    private partial void LogRefused(string request, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Request} not saved: the incident changed under it on every try")]
    private partial void LogConflicted(string request);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Request} not saved, storage unavailable: {Reason}")]
    private partial void LogStorageFailed(string request, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Request} failed after {ElapsedMs:0.0} ms")]
    private partial void LogFailed(Exception exception, string request, double elapsedMs);
}

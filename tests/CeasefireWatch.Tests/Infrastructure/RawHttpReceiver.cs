using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CeasefireWatch.Tests.Infrastructure;

/// <summary>
/// A hostile HTTP receiver on a loopback port: it reads each request (headers and body) and answers with exactly the
/// bytes it was given, whatever HTTP allows (a reason phrase with NUL or terminal escapes, say), then closes. Kestrel
/// cannot be made to send such answers.
/// </summary>
public sealed class RawHttpReceiver : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly byte[] answer;
    private readonly CancellationTokenSource stop = new();
    private readonly Task accepting;
    private int requests;

    private RawHttpReceiver(byte[] answer)
    {
        this.answer = answer;
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        accepting = AcceptAsync();
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/hook";

    /// <summary>How many requests it has read whole.</summary>
    public int Requests => Volatile.Read(ref requests);

    /// <summary>Answers every request with <paramref name="answer"/> (Latin-1: each char one byte, as on the wire).</summary>
    public static RawHttpReceiver Start(string answer) => new(Encoding.Latin1.GetBytes(answer));

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }

            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var read = new List<byte>();
                var buffer = new byte[8192];
                int headerEnd;
                while ((headerEnd = IndexOfBlankLine(read)) < 0)
                {
                    var n = await stream.ReadAsync(buffer, stop.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    read.AddRange(buffer.AsSpan(0, n));
                }

                var headers = Encoding.Latin1.GetString([.. read.Take(headerEnd)]);
                var length = headers.Split("\r\n")
                    .Select(l => l.Split(':', 2))
                    .Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    .Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture))
                    .FirstOrDefault();
                while (read.Count < headerEnd + 4 + length)
                {
                    var n = await stream.ReadAsync(buffer, stop.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    read.AddRange(buffer.AsSpan(0, n));
                }

                Interlocked.Increment(ref requests);
                await stream.WriteAsync(answer, stop.Token);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
            }
            catch (IOException)
            {
            }
        }
    }

    private static int IndexOfBlankLine(List<byte> bytes)
    {
        for (var i = 0; i + 3 < bytes.Count; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        try
        {
            await accepting;
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
    }
}

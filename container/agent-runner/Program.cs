Console.Error.WriteLine("agent runner: not built yet");
return 1;

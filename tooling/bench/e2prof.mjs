import { noGrad } from '@nn/autograd';
import { BCEWithLogitsLoss, Linear, SGD, Adam, Sequential, Tanh, ReLU, MSELoss } from '@nn/layers';
import { dispose, tensor, tidy } from '@nn/tensor';
import '@nn/backend-cpu';
const F=6, B=10, GRID=10000;
let seed=1; const rnd=()=>{seed=(seed*16807)%2147483647; return seed/2147483647*2-1;};
const X=Float32Array.from({length:250*F},rnd), Y=Float32Array.from({length:250},()=>rnd()>0?1:0), G=Float32Array.from({length:GRID*F},rnd);
const layers=[new Linear(F,8),new Tanh(),new Linear(8,8),new Tanh(),new Linear(8,1)];
const model=new Sequential(...layers); const opt=new SGD(model.parameters(),{lr:0.03}); const lossFn=new BCEWithLogitsLoss();
function train(s){const b=s%25; tidy(()=>{opt.zeroGrad(); lossFn.forward(model.forward(tensor(X.slice(b*B*F,(b+1)*B*F),[B,F])),tensor(Y.slice(b*B,(b+1)*B),[B,1])).backward(); opt.step();});}
function grid(){const maps=noGrad(()=>tidy(()=>{let h=tensor(G,[GRID,F]);const out=[];for(const [i,l] of layers.entries()){h=l.forward(h);if(i===1||i===3||i===4)out.push(h);}return out;}));for(const t of maps)t.dataSync();dispose(maps);}
// house-price-like: 13-64-64-1 relu, Adam, batch 32
const hp=new Sequential(new Linear(13,64),new ReLU(),new Linear(64,64),new ReLU(),new Linear(64,1)); const hopt=new Adam(hp.parameters(),{lr:1e-3}); const mse=new MSELoss();
const HX=Float32Array.from({length:32*13},rnd), HY=Float32Array.from({length:32},rnd);
function hstep(){tidy(()=>{hopt.zeroGrad(); mse.forward(hp.forward(tensor(HX,[32,13])),tensor(HY,[32,1])).backward(); hopt.step();});}
function cpu(fn,n){for(let i=0;i<Math.min(n,50);i++)fn(i);const r=[];for(let k=0;k<5;k++){const c=process.cpuUsage();for(let i=0;i<n;i++)fn(i);const d=process.cpuUsage(c);r.push((d.user+d.system)/1000/n);}r.sort((a,b)=>a-b);return r;}
const what=process.argv[2]??'all';
if(what==='all'||what==='train'){const r=cpu(train,400);console.log('train step ms',r.map(v=>v.toFixed(3)).join(' '));}
if(what==='all'||what==='grid'){const r=cpu(grid,30);console.log('grid ms',r.map(v=>v.toFixed(3)).join(' '));}
if(what==='all'||what==='adam'){const r=cpu(hstep,300);console.log('adam mlp step ms',r.map(v=>v.toFixed(3)).join(' '));}
